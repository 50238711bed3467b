"""Keras 1 keywords: each renamed, its value kept (or mapped), comments and quotes kept."""
from keras.layers import BatchNormalization, Convolution2D, Dense, Dropout, Flatten, Input, MaxPooling2D
from keras.models import Sequential

model = Sequential()
model.add(Input(shape=(1, 28, 28)))
model.add(Convolution2D(
    16, (3, 3),
    border_mode='same',  # keep the padding
    subsample=(2, 2),
    init='he_normal',
    dim_ordering='th',
))
model.add(BatchNormalization(mode=0, axis=1))
model.add(MaxPooling2D(pool_size=(2, 2), dim_ordering="th"))
model.add(Flatten())
model.add(Dropout(p=0.5))
model.add(Dense(output_dim=10, init="zero", W_regularizer=None, bias=True))
