from keras.layers import Convolution2D, Input
from keras.models import Sequential


def build(ordering):
    return Sequential([Input(shape=(8, 8, 3)), Convolution2D(8, (3, 3), dim_ordering=ordering)])


model = build("tf")
