import keras
from keras import layers

model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        layers.Conv2D(32, 3, kernal_size=5),  # kernel_size is given already, by position
        layers.Flatten(),
        layers.Dense(10),
    ]
)
