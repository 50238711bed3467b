import torch
from torch import nn

model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Linear(8 * 13 * 13, 10),
)
model(torch.randn(2, 1, 28, 28))
