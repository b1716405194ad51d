# entry: Net()
# input: x=float32[2,6,8]
# input: n=int64[2]
# inputs: 1.0, 0.3, 2.0, 0.7, 1.5, 0.5
# Transformer modules in eval mode: MultiheadAttention batch-first and sequence-first, with a
# key_padding_mask (bool, and float, which PyTorch's fast path reads as bool), a causal attn_mask
# (bool, float, 3-d per head), separate key/value sizes, an unbatched call, averaged and per-head
# weights and need_weights=False; a 2-layer TransformerEncoder batch-first with a padding mask
# (PyTorch's nested-tensor path: padded positions come back zero, and a mask padded at the front
# takes the ordinary path), one norm_first with gelu, a causal mask and a final norm; and a
# data-dependent early exit that skips a TransformerDecoder. Its layer's activation is an nn.GELU
# module, which PyTorch 1.13's deepcopy of the layer (TransformerDecoderLayer.__setstate__) replaces
# with F.relu.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self, d=8):
        super().__init__()
        self.mha_bf = nn.MultiheadAttention(d, 2, batch_first=True)
        self.mha_sf = nn.MultiheadAttention(d, 4)
        self.mha_kv = nn.MultiheadAttention(d, 2, bias=False, kdim=6, vdim=5)
        self.kproj = nn.Linear(d, 6)
        self.vproj = nn.Linear(d, 5)
        self.enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d, 2, 16, batch_first=True), 2)
        self.enc_pre = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d, 2, 12, activation="gelu", norm_first=True),
            2, norm=nn.LayerNorm(d))
        self.dec = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(d, 2, 12, activation=nn.GELU(), batch_first=True), 2)
        self.head = nn.Linear(d, 3)

    def forward(self, x, n):
        b, s = x.shape[0], x.shape[1]
        pos = torch.arange(s)
        later = torch.arange(b)[:, None] > 0  # the first row is never padded
        pad = (pos[None, :] >= (n + 2)[:, None]) & later
        pad_front = (pos[None, :] < (s - 2 - n)[:, None]) & later
        causal = pos[None, :] > pos[:, None]
        causal_f = torch.zeros(s, s).masked_fill(causal, float("-inf"))
        a1, w1 = self.mha_bf(x, x, x, key_padding_mask=pad)
        a2, w2 = self.mha_bf(x, x, x, key_padding_mask=pad.float() * 0.5,
                             average_attn_weights=False)
        a3 = self.mha_bf(x[1], x[1], x[1], attn_mask=causal_f)
        xs = x.transpose(0, 1)
        a4, none4 = self.mha_sf(xs, xs, xs, attn_mask=causal, need_weights=False)
        a5, w5 = self.mha_sf(xs, xs, xs, attn_mask=causal_f, key_padding_mask=pad)
        mask3 = (causal[None, None] | pad[:, None, None, :]).expand(b, 2, s, s).reshape(b * 2, s, s)
        a6, w6 = self.mha_kv(xs, self.kproj(xs), self.vproj(xs), attn_mask=mask3,
                             average_attn_weights=False)
        e1 = self.enc(x, src_key_padding_mask=pad)
        e2 = self.enc(x, src_key_padding_mask=pad_front)
        e3 = self.enc_pre(xs, mask=causal_f, src_key_padding_mask=pad)
        outs = (a1, w1, a2, w2, a3, a4, none4, a5, w5, a6, w6, e1, e2, e3)
        if a5.mean() > 0:
            return outs + (self.head(e1[:, 0]),)
        d = self.dec(x, e1, tgt_mask=causal, tgt_key_padding_mask=pad,
                     memory_key_padding_mask=pad)
        return outs + (self.head(d[:, -1]),)
