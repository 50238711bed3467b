import torch
from torch import nn


def block(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3), nn.ReLU())


model = nn.Sequential(block(3, 16), block(8, 32))
model(torch.randn(2, 3, 16, 16))
