import torch
import torch.nn as nn


# convlint: input-shape=(3, 32, 32)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 3, padding=1)
        self.body = nn.Conv2d(
            in_channels = 32,   # the stem's width, once
            out_channels=64,
            kernel_size=3,
            padding=1,
        )

    def forward(self, x):
        return self.body(self.stem(x))
