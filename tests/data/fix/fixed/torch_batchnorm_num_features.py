import torch.nn as nn

features = nn.Sequential(
    nn.Conv2d(3, 32, 3),
    nn.BatchNorm2d(32),
    nn.ReLU(),
    nn.Conv2d(32, 64, 3),
    nn.BatchNorm2d(64, eps=1e-3, ),  # copied from the block above
    nn.ReLU(),
)

if __name__ == "__main__":
    import torch

    features(torch.randn(2, 3, 28, 28))
