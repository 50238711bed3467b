import torch
from torch import nn

model = nn.Sequential(nn.Conv2d(3, 8, 3, stride=2), nn.Conv2d(8, 8, 5, stride=2))
model(torch.randn(2, 3, 7, 7))
