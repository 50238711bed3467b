import torch
from torch import nn

model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.Linear(100, 10))
model(torch.randn(2, 3, 12, 12))
