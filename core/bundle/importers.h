#pragma once

#include "bundle/model_importer.h"

// The importers, one file each; model_importer.cpp lists them in the order they are tried.
namespace facemix {

extern const ModelImporter kFacemixBundleImporter;    // import_facemix_bundle.cpp
extern const ModelImporter kDiffusersFolderImporter;  // import_diffusers_folder.cpp
extern const ModelImporter kLdmCheckpointImporter;    // import_ldm_checkpoint.cpp
extern const ModelImporter kClipVisionImporter;       // import_clip_vision.cpp

// Shared by importers: a provenance block for the converted file, and the condition token names.
Provenance provenance_for(const ModelSource& source, std::string_view format);
std::vector<std::string> tokens_or(const ImportOptions& options, std::vector<std::string> defaults);

}  // namespace facemix
