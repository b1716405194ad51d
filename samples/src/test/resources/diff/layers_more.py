# entry: LayersMore()
# input: x=float32[2,4,6,6]
# inputs: 1.0, 2.5, -0.7
# special: x[0,0,0,0]=-2.0 x[0,1,1,1]=0.5 x[1,2,3,3]=-0.5 x[1,3,5,5]=1.0
# The functional forms and layers behind research code's less common blocks, each its own output:
# activations (LeakyReLU, Hardtanh, Mish, SELU, CELU, Softsign, Tanhshrink, Threshold, GLU, PReLU
# with one or per-channel slopes), group, instance and functional layer norm, embedding and
# one_hot, pixel and channel shuffles, Unflatten, Softmax2d, 1-d convolution and pooling, adaptive
# max pooling (dividing and not dividing the input), reflect/replicate/circular padding and the
# padding layers, fixed-mode upsampling, cosine similarity and pairwise distance; a data-dependent
# branch on the input picks which groups are returned.
import torch
import torch.nn as nn
import torch.nn.functional as F


class LayersMore(nn.Module):
    def __init__(self):
        super().__init__()
        self.acts = nn.Sequential(nn.LeakyReLU(0.2), nn.Hardtanh(-0.5, 0.8))
        self.mish = nn.Mish()
        self.selu = nn.SELU()
        self.celu = nn.CELU(alpha=0.7)
        self.softsign = nn.Softsign()
        self.tanhshrink = nn.Tanhshrink()
        self.threshold = nn.Threshold(0.1, -3.0)
        self.glu = nn.GLU(dim=1)
        self.prelu1 = nn.PReLU()
        self.prelu4 = nn.PReLU(4, init=0.1)
        self.gn = nn.GroupNorm(2, 4)
        self.gn_plain = nn.GroupNorm(4, 4, affine=False)
        self.inorm = nn.InstanceNorm2d(4, affine=True)
        self.inorm_plain = nn.InstanceNorm2d(4)
        self.inorm1 = nn.InstanceNorm1d(4, affine=True, track_running_stats=True)
        self.ln_w = nn.Parameter(torch.randn(6, 6))
        self.ln_b = nn.Parameter(torch.randn(6, 6))
        self.emb = nn.Parameter(torch.randn(10, 3))
        self.shuffle = nn.PixelShuffle(2)
        self.unshuffle = nn.PixelUnshuffle(2)
        self.cshuffle = nn.ChannelShuffle(2)
        self.unflat = nn.Unflatten(1, (2, 2))
        self.sm2d = nn.Softmax2d()
        self.conv1 = nn.Parameter(torch.randn(5, 2, 3))
        self.conv1_bias = nn.Parameter(torch.randn(5))
        self.pool1 = nn.MaxPool1d(3, stride=2, padding=1)
        self.avg1 = nn.AvgPool1d(2)
        self.apool1 = nn.AdaptiveAvgPool1d(4)
        self.amax1 = nn.AdaptiveMaxPool1d(4)
        self.amax2 = nn.AdaptiveMaxPool2d((4, 3))
        self.zpad = nn.ZeroPad2d((1, 0, 2, 1))
        self.cpad = nn.ConstantPad1d(2, 0.5)
        self.rpad = nn.ReflectionPad2d(2)
        self.reppad = nn.ReplicationPad1d((0, 3))
        self.up_near = nn.UpsamplingNearest2d(scale_factor=2)
        self.up_bil = nn.UpsamplingBilinear2d(size=(9, 7))
        self.cos = nn.CosineSimilarity(dim=-1)
        self.pdist = nn.PairwiseDistance(p=1.0, keepdim=True)
        self.drops = nn.Sequential(nn.Dropout1d(0.3), nn.AlphaDropout(0.2))

    def forward(self, x):
        seq = x.flatten(2)  # [2, 4, 36]
        acts = (self.acts(x), F.leaky_relu(x, 0.05), F.hardtanh(x), self.mish(x), F.mish(x * 10),
                self.selu(x), F.selu(x * 5), self.celu(x), F.celu(x, 2.0), self.softsign(x),
                F.softsign(x), self.tanhshrink(x), self.threshold(x), F.threshold(x, 0.0, 7.0),
                self.glu(x), F.glu(x, -1), self.prelu1(x), self.prelu4(x), F.prelu(x, self.prelu4.weight))
        norms = (self.gn(x), self.gn_plain(x), F.group_norm(x, 1), self.inorm(x), self.inorm_plain(x),
                 self.inorm1(seq), self.inorm_plain(x[0]),
                 F.layer_norm(x, (6, 6), self.ln_w, self.ln_b), F.layer_norm(x, [6], eps=1e-3),
                 F.instance_norm(x))
        idx = (x[:, 0, 0, :] * 3).abs().long().clamp(0, 9)
        lookups = (F.embedding(idx, self.emb), F.one_hot(idx, 10), F.one_hot(idx[0], num_classes=12))
        shaped = (self.shuffle(x), F.pixel_shuffle(x.reshape(2, 1, 16, 3, 3)[:, 0], 4),
                  self.unshuffle(x), F.pixel_unshuffle(x, 3), self.cshuffle(x), F.channel_shuffle(x, 4),
                  self.unflat(x), seq.unflatten(-1, (-1, 4)), torch.unflatten(x, 2, (3, 2)),
                  self.sm2d(x), self.sm2d(x[1]))
        pools = (F.conv1d(seq[:, :2], self.conv1, self.conv1_bias, stride=2, padding=1),
                 torch.conv1d(seq[0, :2], self.conv1, dilation=2), self.pool1(seq),
                 F.max_pool1d(seq, 4), self.avg1(seq), F.avg_pool1d(seq, 3, stride=2, padding=1),
                 self.apool1(seq), F.adaptive_avg_pool1d(seq, 7), self.amax1(seq),
                 F.adaptive_max_pool1d(seq, 5), self.amax2(x), F.adaptive_max_pool2d(x, 1),
                 F.adaptive_max_pool2d(x, (4, 5)), torch.conv2d(x, self.conv1.reshape(5, 2, 3, 1).repeat(1, 2, 1, 1)))
        pads = (self.zpad(x), self.cpad(seq), self.rpad(x), self.reppad(seq),
                F.pad(x, (1, 2, 3, 0), mode='reflect'), F.pad(x, (2, 1, 0, 3), mode='replicate'),
                F.pad(x, (3, 1, 2, 6), mode='circular'), F.pad(seq, (5, 0), mode='reflect'),
                F.pad(x[0], (1, 1, 1, 1), mode='reflect'))
        ups = (self.up_near(x), self.up_bil(x))
        dists = (self.cos(x, x * 2 - 1), F.cosine_similarity(x, x.transpose(2, 3)),
                 torch.cosine_similarity(x[0], x[1], dim=0), self.pdist(seq[0], seq[1]),
                 F.pairwise_distance(x, x * 0.5), F.pairwise_distance(seq[0], seq[1], p=3.0))
        drops = (self.drops(seq), F.dropout2d(x, 0.5, False), F.alpha_dropout(x, 0.1, training=False))
        if x[0, 0, 0, 1] > 0:
            return acts, norms, lookups, shaped, pools, pads, ups, dists, drops
        return drops, dists, pads, acts
