import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16,)),
    layers.Dense(8),
    layers.LeakyReLU(alpha=0.3),
])
