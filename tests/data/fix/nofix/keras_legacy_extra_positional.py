from keras.layers import Convolution2D, Input
from keras.models import Sequential

model = Sequential([Input(shape=(8, 8, 3)), Convolution2D(8, 3, 3, "he_normal", border_mode="same")])
