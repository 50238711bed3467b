import keras
from keras.layers.convolutional import Deconvolution2D

model = keras.Sequential([
    keras.Input(shape=(8, 8, 4)),
    Deconvolution2D(8, (3, 3), strides=(2, 2)),
])
