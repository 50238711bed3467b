"""Keras 1 keywords: each renamed, its value kept (or mapped), comments and quotes kept."""
from keras.layers import BatchNormalization, Convolution2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from keras.models import Sequential

model = Sequential()
model.add(Input(shape=(1, 28, 28)))
model.add(Convolution2D(
    16, (3, 3),
    padding='same',  # keep the padding
    strides=(2, 2),
    kernel_initializer='he_normal',
    data_format='channels_first',
))
model.add(BatchNormalization(axis=1))
model.add(MaxPooling2D(pool_size=(2, 2), data_format="channels_first"))
model.add(Flatten())
model.add(Dropout(rate=0.5))
model.add(Dense(units=10, kernel_initializer="zeros", kernel_regularizer=None, use_bias=True))
