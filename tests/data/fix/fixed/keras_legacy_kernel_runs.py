import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    layers.Convolution2D(8, (3, 3), activation="relu"),
    layers.Convolution2D(8, (3, 3)),
    layers.Flatten(),
])
