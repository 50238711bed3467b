import torch
import torch.nn as nn

features = nn.Sequential(
    nn.Conv2d(3, 8, 3, padding=1),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 8, 3, padding=1),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 8, 3),
    nn.Conv2d(8, 8, 3, 1, "same"),
)
features(torch.randn(1, 3, 16, 16))
