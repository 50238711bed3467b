import keras
from keras import layers
from keras.layers import Deconvolution2D, Input

inputs = Input(shape=(8, 8, 4))
x = layers.AtrousConvolution2D(8, 3, 3, atrous_rate=(2, 2), border_mode="same")(inputs)
x = Deconvolution2D(8, (3, 3), strides=(2, 2), padding="same")(x)
x = Deconvolution2D(4, (3, 3))(x)
model = keras.Model(inputs, x)
