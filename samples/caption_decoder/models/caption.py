"""An image caption decoder with soft attention (after Xu et al., "Show, Attend and Tell: Neural
Image Caption Generation with Visual Attention", ICML 2015), sized for CIFAR images.

A convolutional encoder turns the image into L annotation vectors a_1..a_L, one per location of
its last feature map (Sec. 3.1.1). The LSTM's initial memory and hidden state are predicted from
the mean annotation by two MLPs (Sec. 3.1.2). At every step the attention model f_att scores each
location against the previous hidden state, a softmax gives the weights alpha, and the context
vector is the alpha-weighted mean of the annotations (deterministic "soft" attention, Sec. 4.2),
scaled by a gate beta = sigmoid(f_beta(h)) (Sec. 4.2.1). The LSTM reads the embedding of the
previous word and the context; the next word's logits come from the deep output layer
L_o(E y + L_h h + L_z z) (Eq. 7). Captions are decoded greedily: the most likely word is fed back
until the end token comes out or max_len words have been produced.
"""
import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class Encoder(nn.Module):
    """Three strided 3x3 convolutions: a [B,3,32,32] image gives a [B,dim,4,4] feature map."""

    def __init__(self, dim=32):
        super(Encoder, self).__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, stride=2, padding=1)
        self.conv3 = nn.Conv2d(32, dim, 3, stride=2, padding=1)

    def forward(self, x):
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        return F.relu(self.conv3(x))


class SoftAttention(nn.Module):
    """f_att(a_i, h) = w^T tanh(W_a a_i + W_h h), normalized over the locations."""

    def __init__(self, feat_dim, hidden_dim, att_dim):
        super(SoftAttention, self).__init__()
        self.enc_att = nn.Linear(feat_dim, att_dim)
        self.dec_att = nn.Linear(hidden_dim, att_dim)
        self.full_att = nn.Linear(att_dim, 1)

    def forward(self, annotations, h):
        e = self.full_att(torch.tanh(self.enc_att(annotations) + self.dec_att(h).unsqueeze(1)))
        alpha = F.softmax(e.squeeze(2), dim=1)  # [B, L]
        context = (annotations * alpha.unsqueeze(2)).sum(dim=1)  # [B, D]
        return context, alpha


class CaptionDecoder(nn.Module):
    def __init__(self, vocab_size=12, embed_dim=16, hidden_dim=32, feat_dim=32, att_dim=24,
                 max_len=8, start_token=1, end_token=0):
        super(CaptionDecoder, self).__init__()
        self.vocab_size = vocab_size
        self.max_len = max_len
        self.start_token = start_token
        self.end_token = end_token
        self.encoder = Encoder(feat_dim)
        self.attention = SoftAttention(feat_dim, hidden_dim, att_dim)
        self.init_h = nn.Linear(feat_dim, hidden_dim)
        self.init_c = nn.Linear(feat_dim, hidden_dim)
        self.f_beta = nn.Linear(hidden_dim, feat_dim)
        self.embedding = nn.Embedding(vocab_size, embed_dim)
        self.decoder = nn.LSTMCell(embed_dim + feat_dim, hidden_dim)
        # deep output layer: L_h and L_z map into the embedding space, L_o onto the vocabulary
        self.L_h = nn.Linear(hidden_dim, embed_dim)
        self.L_z = nn.Linear(feat_dim, embed_dim)
        self.L_o = nn.Linear(embed_dim, vocab_size)

    def encode(self, images):
        feats = self.encoder(images)  # [B, D, H, W]
        return feats.flatten(2).transpose(1, 2)  # [B, L, D]

    def step(self, annotations, word, h, c):
        context, alpha = self.attention(annotations, h)
        context = torch.sigmoid(self.f_beta(h)) * context
        emb = self.embedding(word)
        h, c = self.decoder(torch.cat([emb, context], dim=1), (h, c))
        logits = self.L_o(emb + self.L_h(h) + self.L_z(context))
        return logits, alpha, h, c

    def forward(self, images):
        """Greedy decoding of one image: the words (ending with the end token unless max_len was
        reached), their number, and the attention weights of every step."""
        annotations = self.encode(images)
        mean = annotations.mean(dim=1)
        h = torch.tanh(self.init_h(mean))
        c = torch.tanh(self.init_c(mean))
        word = torch.full((images.size(0),), self.start_token, dtype=torch.long)
        tokens = []
        alphas = []
        for t in range(self.max_len):
            logits, alpha, h, c = self.step(annotations, word, h, c)
            word = logits.argmax(-1)
            tokens.append(word)
            alphas.append(alpha)
            if word.item() == self.end_token:
                break
        return torch.stack(tokens, 1), len(tokens), torch.stack(alphas, 1)

    def teacher_forced(self, images, captions):
        """Training: logits for every step of the given captions [B, T], the last word not read."""
        annotations = self.encode(images)
        mean = annotations.mean(dim=1)
        h = torch.tanh(self.init_h(mean))
        c = torch.tanh(self.init_c(mean))
        logits, alphas = [], []
        for t in range(captions.size(1) - 1):
            out, alpha, h, c = self.step(annotations, captions[:, t], h, c)
            logits.append(out)
            alphas.append(alpha)
        return torch.stack(logits, 1), torch.stack(alphas, 1)


def caption_loss(logits, captions, alphas, lam=1.0):
    """Negative log-likelihood plus the doubly stochastic penalty lam * sum_i (1 - sum_t alpha_ti)^2
    of Eq. 14, which asks the model to attend to every location over the caption."""
    nll = F.cross_entropy(logits.reshape(-1, logits.size(-1)), captions[:, 1:].reshape(-1))
    return nll + lam * ((1.0 - alphas.sum(dim=1)) ** 2).sum(dim=1).mean()


def build_model(max_len=8):
    return CaptionDecoder(max_len=max_len)


def parse_args():
    parser = argparse.ArgumentParser(description='Show, Attend and Tell on synthetic captions')
    parser.add_argument('--lr', type=float, default=4e-4)
    parser.add_argument('--steps', type=int, default=1000)
    parser.add_argument('--save', default='checkpoint.pt')
    return parser.parse_args()


def synthetic_batch(model, batch):
    """Random images with captions 'start, w1..w4, end' (a stand-in for a captioning data set)."""
    images = torch.randn(batch, 3, 32, 32)
    words = torch.randint(2, model.vocab_size, (batch, 4))
    start = torch.full((batch, 1), model.start_token, dtype=torch.long)
    end = torch.full((batch, 1), model.end_token, dtype=torch.long)
    return images, torch.cat([start, words, end], dim=1)


if __name__ == '__main__':
    args = parse_args()
    model = build_model()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    for it in range(args.steps):
        images, captions = synthetic_batch(model, 16)
        logits, alphas = model.teacher_forced(images, captions)
        loss = caption_loss(logits, captions, alphas)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if it % 100 == 0:
            print('step %d loss %.4f' % (it, loss.item()))
    torch.save(model.state_dict(), os.path.join(os.path.dirname(__file__), args.save))
