from keras.models import Sequential
from keras.layers import Conv2D, Dense, Flatten, MaxPooling2D

model = Sequential()
model.add(Conv2D(8, 3, activation="relu", input_shape=(16, 16, 3)))
model.add(MaxPooling2D())
model.add(Dense(10))
