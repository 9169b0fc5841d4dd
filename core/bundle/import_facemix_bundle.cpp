#include "bundle/importers.h"

namespace facemix {
namespace {

bool recognises_facemix_bundle(ModelSource& source) { return !source.is_folder() && is_facemix_bundle(source.path()); }

ModelBundle import_facemix_bundle(ModelSource& source, const ImportOptions& options) {
    ModelBundle bundle = read_bundle(source.path());
    if (options.tokens) bundle.manifest.conditioning.tokens = *options.tokens;
    return bundle;
}

}  // namespace

const ModelImporter kFacemixBundleImporter{"facemix", "a facemix bundle (.safetensors with a facemix manifest)", recognises_facemix_bundle, import_facemix_bundle};

}  // namespace facemix
