import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, kernel_size=3, stride=2, activation="relu"),
        layers.Flatten(),
        layers.Dense(10),
    ]
)
