// Starts Swagger UI on /v1/docs. A file, not an inline script: the page's
// Content-Security-Policy allows scripts from this origin only.
SwaggerUIBundle({ url: "/v1/openapi.json", dom_id: "#reference", validatorUrl: null, deepLinking: true });
