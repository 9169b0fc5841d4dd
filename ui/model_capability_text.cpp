#include "model_capability_text.h"

#include <QObject>

namespace facemix::ui {

QString capability_text(const facemix::ModelCapabilities& capabilities) {
    QString domain;
    switch (capabilities.domain) {
        case facemix::ModelDomain::SyntheticFaces:
            domain = QObject::tr("<b>Synthetic faces only.</b> Trained on facemix synth's cartoon faces; given real photos it "
                                 "draws cartoon faces.");
            break;
        case facemix::ModelDomain::RealPhotos:
            domain = QObject::tr("<b>Trained on real photos.</b>");
            break;
        case facemix::ModelDomain::Unrecorded:
            domain = QObject::tr("<b>Trained by facemix train</b> on data its file does not name.");
            break;
        case facemix::ModelDomain::Untrained:
            domain = QObject::tr("<b>Random weights, never trained:</b> it draws noise (for tests).");
            break;
    }
    const QString space = capabilities.latent ? QObject::tr("latent space (SD autoencoder)") : QObject::tr("pixel space");
    const QString face = capabilities.face_from_descriptor ? QObject::tr("dlib's face-recognition descriptor of the face, projected")
                                                           : QObject::tr("the image encoder's embedding of the face crop");
    QString text = domain + QStringLiteral("<br>") +
                   QObject::tr("Native %1 × %1 px, %2.").arg(capabilities.native_resolution).arg(space) + QStringLiteral("<br>") +
                   QObject::tr("Face token: %1; background token: the encoder's embedding of the photo with its face masked.").arg(face);
    if (capabilities.separate_guidance) text += QStringLiteral("<br>") + QObject::tr("Face and background guidance can differ.");
    return text;
}

QString real_weights_hint(const facemix::ModelCapabilities& capabilities) {
    if (capabilities.domain == facemix::ModelDomain::RealPhotos) return {};
    return QObject::tr("<b>For real photos</b> get real weights (facemix downloads nothing): <tt>image-mixer-pruned.ckpt</tt> "
                       "(lambdalabs image-mixer) or the <tt>lambdalabs/sd-image-variations-diffusers</tt> folder, and open "
                       "it here. Converted once, it opens faster:<br><tt>facemix convert image-mixer-pruned.ckpt -o "
                       "image-mixer.safetensors --tokens face background</tt>");
}

}  // namespace facemix::ui
