import torch
import torch.nn as nn


# convlint: input-shape=(3, 32, 32)
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, stride=2),  # Keras' spelling
            nn.ReLU(),
        )
        self.head = nn.Linear(16 * 15 * 15, 10)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))
