//! What the record tests share: a published dataset with one setting of each kind a record
//! uses, and short ways to write and read its records.

use crate::helpers::*;
use reqwest::Method;
use serde_json::{json, Value};

/// A published dataset: fields `text` (required), `chat`, `custom`, `image`; questions
/// `label` (a, b; required), `tags` (multi-label x, y, z), `rating` (1..5), `notes` (text);
/// metadata `genre` (terms), `year` (integer 1800..2100), `score` (float); vectors `emb` (3).
pub struct Fixture {
    pub dataset: String,
    pub questions: Value,
}

impl Fixture {
    pub async fn new(app: &TestApp) -> Fixture {
        let dataset = app.create_dataset("records").await;
        let fields = [
            text_field("text", true),
            json!({"name": "chat", "title": "Chat", "settings": {"type": "chat"}}),
            json!({"name": "custom", "title": "Custom", "settings": {"type": "custom", "template": "{{record.fields.custom.a}}"}}),
            json!({"name": "image", "title": "Image", "settings": {"type": "image"}}),
        ];
        for field in fields {
            app.add_setting(&dataset, "fields", field).await;
        }
        let options = |values: &[&str]| -> Vec<Value> {
            values
                .iter()
                .map(|v| json!({"value": v, "text": v}))
                .collect()
        };
        let questions = [
            label_question("label", &["a", "b"], true),
            json!({"name": "tags", "title": "Tags", "required": false,
                "settings": {"type": "multi_label_selection", "options": options(&["x", "y", "z"])}}),
            json!({"name": "rating", "title": "Rating", "required": false,
                "settings": {"type": "rating", "options": [{"value": 1}, {"value": 2}, {"value": 3}, {"value": 4}, {"value": 5}]}}),
            json!({"name": "notes", "title": "Notes", "required": false, "settings": {"type": "text"}}),
        ];
        let mut created = serde_json::Map::new();
        for question in questions {
            let q = app.add_setting(&dataset, "questions", question).await;
            created.insert(q["name"].as_str().expect("name").to_owned(), q);
        }
        let properties = [
            json!({"name": "genre", "title": "Genre", "settings": {"type": "terms"}}),
            json!({"name": "year", "title": "Year", "settings": {"type": "integer", "min": 1800, "max": 2100}}),
            json!({"name": "score", "title": "Score", "settings": {"type": "float"}, "visible_for_annotators": false}),
        ];
        for property in properties {
            app.add_setting(&dataset, "metadata-properties", property)
                .await;
        }
        let emb = json!({"name": "emb", "title": "Emb", "dimensions": 3});
        app.add_setting(&dataset, "vectors-settings", emb).await;
        let path = format!("/api/v1/datasets/{dataset}/publish");
        app.owner_expects(Method::PUT, &path, None, 200).await;
        Fixture {
            dataset,
            questions: Value::Object(created),
        }
    }

    /// A question's id, by name.
    pub fn question(&self, name: &str) -> String {
        self.questions[name]["id"]
            .as_str()
            .expect("question")
            .to_owned()
    }

    pub fn bulk_path(&self) -> String {
        format!("/api/v1/datasets/{}/records/bulk", self.dataset)
    }

    pub fn records_path(&self) -> String {
        format!("/api/v1/datasets/{}/records", self.dataset)
    }

    /// POSTs the items as the owner; the answer must be 201: its records.
    pub async fn create(&self, app: &TestApp, items: Value) -> Vec<Value> {
        let body = json!({ "items": items });
        let answer = app
            .owner_expects(Method::POST, &self.bulk_path(), Some(body), 201)
            .await;
        answer["items"].as_array().expect("items").clone()
    }

    /// PUTs the items as the owner; the answer must be 200: its records.
    pub async fn upsert(&self, app: &TestApp, items: Value) -> Vec<Value> {
        let body = json!({ "items": items });
        let answer = app
            .owner_expects(Method::PUT, &self.bulk_path(), Some(body), 200)
            .await;
        answer["items"].as_array().expect("items").clone()
    }

    /// Every record, as the owner lists them with `query` (e.g. `include=responses`).
    pub async fn list(&self, app: &TestApp, query: &str) -> Value {
        let path = format!("{}?limit=1000&{query}", self.records_path());
        app.owner_expects(Method::GET, &path, None, 200).await
    }

    /// A search as the owner (`query`: the query string): the answer.
    pub async fn search(&self, app: &TestApp, query: &str, body: Value) -> Value {
        let path = format!("/api/v1/datasets/{}/records/search?{query}", self.dataset);
        app.owner_expects(Method::POST, &path, Some(body), 200)
            .await
    }
}

/// A record id.
pub fn id(record: &Value) -> String {
    record["id"].as_str().expect("id").to_owned()
}

/// The external ids of a search's hits, in order.
pub fn hit_ids(found: &Value) -> Vec<String> {
    (found["items"].as_array().expect("items").iter())
        .map(|hit| {
            hit["record"]["external_id"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}
