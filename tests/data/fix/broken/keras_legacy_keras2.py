import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16, 16, 3)),
    layers.Conv2D(8, 3),
    layers.LeakyReLU(alpha=0.2),
    layers.AveragePooling2D(),
    layers.Flatten(),
])
