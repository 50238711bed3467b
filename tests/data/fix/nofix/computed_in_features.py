import torch
from torch import nn

HIDDEN = 16 * 4 * 4

model = nn.Sequential(nn.Conv2d(3, 16, 5), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(HIDDEN, 10))
model(torch.randn(2, 3, 14, 14))
