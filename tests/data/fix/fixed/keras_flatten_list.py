from tensorflow import keras
from tensorflow.keras import layers as L

model = keras.Sequential([
    keras.Input(shape=(32, 32, 3)),
    L.Conv2D(32, (3, 3), activation="relu"),
    L.MaxPooling2D((2, 2)),
    L.Flatten(),
    L.Dense(10, activation="softmax"),
])
