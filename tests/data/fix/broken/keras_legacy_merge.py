from keras.layers import Dense, Input, merge
from keras.models import Model

image = Input(shape=(16,))
left = Dense(8)(image)
right = Dense(8)(image)
summed = merge([left, right], mode='sum')
joined = merge([left, summed], mode='concat', concat_axis=-1)
scores = Dense(3, activation='softmax')(joined)
model = Model(input=image, output=scores)
