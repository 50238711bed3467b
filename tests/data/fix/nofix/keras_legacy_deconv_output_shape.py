import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(8, 8, 4)),
    layers.Deconvolution2D(8, 3, 3, output_shape=(None, 10, 10, 8), border_mode="valid"),
])
