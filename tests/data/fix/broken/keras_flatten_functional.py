import keras
from keras import layers

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(8, 3, activation="relu")(inputs)
x = layers.MaxPooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)  # the classifier
model = keras.Model(inputs, outputs)
