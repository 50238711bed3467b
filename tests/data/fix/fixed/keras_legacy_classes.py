import keras
from keras import layers
from keras.layers import Conv2DTranspose, Input

inputs = Input(shape=(8, 8, 4))
x = layers.Conv2D(8, (3, 3), dilation_rate=(2, 2), padding="same")(inputs)
x = Conv2DTranspose(8, (3, 3), strides=(2, 2), padding="same")(x)
x = Conv2DTranspose(4, (3, 3))(x)
model = keras.Model(inputs, x)
