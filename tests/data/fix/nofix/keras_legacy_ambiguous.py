import keras
from keras import layers

model = keras.Sequential([keras.Input(shape=(28, 28, 1)), layers.Conv2D(32, 3, 3), layers.Flatten()])
