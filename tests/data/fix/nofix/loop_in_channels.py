import torch
from torch import nn

blocks = []
for width in (8, 16, 32):
    blocks.append(nn.Conv2d(8, width, 3, padding=1))
model = nn.Sequential(*blocks)
model(torch.randn(2, 8, 16, 16))
