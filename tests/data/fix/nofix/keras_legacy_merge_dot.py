from keras.layers import Dense, Input, merge
from keras.models import Model

a = Input(shape=(16,))
b = Dense(16)(a)
model = Model(a, merge([a, b], mode="cos", dot_axes=1))
