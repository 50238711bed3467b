from keras.layers import Dense, Input, concatenate, add
from keras.models import Model

image = Input(shape=(16,))
left = Dense(8)(image)
right = Dense(8)(image)
summed = add([left, right])
joined = concatenate([left, summed], axis=-1)
scores = Dense(3, activation='softmax')(joined)
model = Model(inputs=image, outputs=scores)
