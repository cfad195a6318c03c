// /docs: Swagger UI over our own OpenAPI document, from files served at /assets (no CDN,
// no inline script). The document declares the bearer scheme, so "Authorize" takes a token.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
