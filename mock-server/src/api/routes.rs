//! A router that remembers what it routes, so `/openapi.json` can be checked against it: every
//! route described, every description routed (`tests/api/openapi.rs`).

use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{self, MethodRouter};
use axum::Router;

use crate::state::AppState;

/// The Argilla API routes, as an axum router plus the `(method, path)` list it was built from.
#[derive(Debug)]
pub struct RouteTable {
    router: Router<AppState>,
    routes: Vec<(Method, &'static str)>,
}

impl RouteTable {
    pub fn new() -> Self {
        RouteTable {
            router: Router::new(),
            routes: Vec::new(),
        }
    }

    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::GET, path, routing::get(handler))
    }

    pub fn post<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::POST, path, routing::post(handler))
    }

    pub fn put<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PUT, path, routing::put(handler))
    }

    pub fn patch<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::PATCH, path, routing::patch(handler))
    }

    pub fn delete<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(Method::DELETE, path, routing::delete(handler))
    }

    /// Both tables' routes in one (axum merges two methods on one path).
    pub fn merge(mut self, other: RouteTable) -> Self {
        self.router = self.router.merge(other.router);
        self.routes.extend(other.routes);
        self
    }

    pub fn routes(&self) -> &[(Method, &'static str)] {
        &self.routes
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.routes.push((method, path));
        self
    }
}

impl Default for RouteTable {
    fn default() -> Self {
        Self::new()
    }
}
