// GraphiQL for this project's /graphql/ (development only), built from the local,
// pinned assets next to this file: no CDN, so it works offline. The default query is
// the README's seed query (cms/api/graphiql_default_query.graphql), passed by the page.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("graphiql-settings").textContent);
  var csrfInput = document.querySelector("[name=csrfmiddlewaretoken]");
  var headers = csrfInput ? { "X-CSRFToken": csrfInput.value } : {};
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname, headers: headers });

  function App() {
    var state = React.useState(settings.defaultQuery);
    var query = state[0];
    var setQuery = state[1];
    var explorer = GraphiQLPluginExplorer.useExplorerPlugin({ query: query, onEdit: setQuery });
    return React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: settings.defaultQuery,
      query: query,
      onEditQuery: setQuery,
      plugins: [explorer],
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    });
  }

  ReactDOM.render(React.createElement(App), document.getElementById("graphiql"));
})();
