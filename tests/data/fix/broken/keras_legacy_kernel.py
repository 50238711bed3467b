"""Keras 1 per-axis kernel sizes: Convolution2D(nb_filter, nb_row, nb_col)."""
from keras.layers import Convolution2D, Flatten, Input
from keras.models import Sequential

nb_conv = 3
model = Sequential([
    Input(shape=(28, 28, 1)),
    Convolution2D(32, nb_conv, nb_conv, border_mode="valid"),  # rejected by Keras 3: safe
    Convolution2D(16, 5, 5),  # run by Keras 3 as kernel 5, strides 5: unsafe
    Flatten(),
])
