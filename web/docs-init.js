// Starts Swagger UI on /v1/docs. A file, not an inline script: the page's
// Content-Security-Policy allows scripts from this origin only. Deep links
// would nest a link inside each operation's button, and the highlighter's
// colours fall short of AA contrast: both off (axe, in the browser tests).
SwaggerUIBundle({
  url: "/v1/openapi.json",
  dom_id: "#reference",
  validatorUrl: null,
  deepLinking: false,
  syntaxHighlight: { activated: false },
});
