#include "assets.hpp"

namespace accurate::web {

const EmbeddedAsset* findAsset(std::string_view url_path) noexcept {
  for (const EmbeddedAsset& asset : embeddedAssets()) {
    if (asset.path == url_path) return &asset;
  }
  return nullptr;
}

}  // namespace accurate::web
