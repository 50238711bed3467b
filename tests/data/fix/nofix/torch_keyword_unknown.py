import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 16, 3, init="he"),  # not a misspelling of anything Conv2d takes
    nn.Flatten(),
)
