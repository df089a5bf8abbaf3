#include "assets.hpp"
#include "responses.hpp"
#include "routes.hpp"

namespace accurate::web {

void servePage(httplib::Response& response, std::string_view asset_path) {
  const EmbeddedAsset* asset = findAsset(asset_path);
  if (asset == nullptr) {
    sendError(response, 404, "page not embedded in this build: " + std::string(asset_path));
    return;
  }
  response.set_content(std::string(asset->body()), std::string(asset->content_type));
}

void addPageRoutes(Router& router) {
  router.add({"GET"}, "/", [](const httplib::Request&, httplib::Response& response, const RouteCaptures&) {
    servePage(response, "/static/index.html");
  });
  router.add({"GET"}, "/static/{*path}",
             [](const httplib::Request&, httplib::Response& response, const RouteCaptures& captures) {
               const EmbeddedAsset* asset = findAsset("/static/" + captures.at(0));
               if (asset == nullptr) {
                 sendError(response, 404, "not found");
                 return;
               }
               response.set_content(std::string(asset->body()), std::string(asset->content_type));
               replaceHeader(response, "Cache-Control", "no-cache");
             });
}

}  // namespace accurate::web
