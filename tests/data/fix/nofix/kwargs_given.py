import torch
from torch import nn

opts = {"kernel_size": 3}
model = nn.Sequential(nn.Conv2d(3, 8, **opts), nn.Conv2d(8, 8, 3, **opts) if False else nn.Conv2d(8, 8, 5, **{}))
model(torch.randn(2, 3, 6, 6))
