import torch
import torch.nn as nn


class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(392, 10)

    def forward(self, x):
        return self.fc(self.pool(self.conv(x)).flatten(1))


Head()(torch.randn(2, 3, 16, 16))
