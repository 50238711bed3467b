"""Keras image preprocessing: augmentations (identity at inference) and resizing/cropping."""

from ._case import case, error

CASES = [
    case("keras", "RandomFlip", ("horizontal",), inp=(None, 32, 32, 3), out=(None, 32, 32, 3), id="flip"),
    case("keras", "RandomRotation", (0.1,), inp=(None, 32, 32, 3), out=(None, 32, 32, 3), id="rotation"),
    case("keras", "RandomZoom", (0.2,), inp=(None, 32, 30, 3), out=(None, 32, 30, 3), id="zoom"),
    case("keras", "RandomTranslation", (0.1, 0.1), inp=(None, 32, 32, 1), out=(None, 32, 32, 1), id="translation"),
    case("keras", "RandomContrast", (0.2,), inp=(None, 8, 8, 3), out=(None, 8, 8, 3), id="contrast"),
    case("keras", "RandomBrightness", (0.2,), inp=(None, 8, 8, 3), out=(None, 8, 8, 3), id="brightness"),
    case("keras", "Resizing", (20, 24), inp=(None, 32, 30, 3), out=(None, 20, 24, 3), id="resize-down"),
    case("keras", "Resizing", (64, 48), {"interpolation": "nearest"}, inp=(None, 32, 30, 3), out=(None, 64, 48, 3), id="resize-up-nearest"),
    case("keras", "Resizing", (16, 16), {"crop_to_aspect_ratio": True}, inp=(None, 32, 20, 3), out=(None, 16, 16, 3), id="resize-crop-aspect", numeric=False),
    case("keras", "CenterCrop", (20, 24), inp=(None, 32, 30, 3), out=(None, 20, 24, 3), id="center-crop"),
    case("keras", "CenterCrop", (40, 40), inp=(None, 32, 30, 3), out=(None, 40, 40, 3), id="center-crop-smaller", numeric=False),
    # RandomCrop: see tests/test_preprocessing.py (its shape differs between training and inference)
]

ERRORS = [
    # Keras accepts any mode string silently (and then flips nothing): convlint flags it
    error("keras", "RandomFlip", ("sideways",), inp=(None, 32, 32, 3), kind="invalid-argument", id="flip-mode", framework_raises=False),
    error("keras", "Resizing", (0, 24), inp=(None, 32, 30, 3), kind="invalid-argument", id="resize-zero", framework_raises=False),
]
