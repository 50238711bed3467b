import torch
import torch.nn as nn

block = nn.Sequential(nn.Conv2d(3, 64, 3, padding=1), nn.GroupNorm(8, 64), nn.ReLU())
block(torch.randn(2, 3, 16, 16))
