# entry: Net()
# input: x=float32[5,2,8]
# MultiheadAttention and the Transformer layers refuse what PyTorch refuses (a mask of the wrong
# shape or dtype, a query of the wrong size, an unknown activation) and what dynnc does not cover yet
# (add_bias_kv, add_zero_attn, a float attn_mask with a float key_padding_mask, mask_check=False on
# the nested-tensor path), with located errors; all in one run. nn.Transformer refuses a source and
# target of different batches or of another width than d_model, and an empty causal mask.
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.bias_kv = nn.MultiheadAttention(8, 2, add_bias_kv=True)
        self.zero_attn = nn.MultiheadAttention(8, 2, add_zero_attn=True)
        self.odd = nn.MultiheadAttention(8, 3)
        self.tanh = nn.TransformerEncoderLayer(8, 2, activation="tanh")
        self.attn = nn.MultiheadAttention(8, 2)
        self.kv = nn.MultiheadAttention(8, 2, kdim=4, vdim=4)
        self.enc = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, batch_first=True), 2, mask_check=False)
        self.tf = nn.Transformer(8, 2, 1, 1, 16)

    def forward(self, x):
        s = torch.zeros(5, 5)
        a = self.attn(x, x, x, attn_mask=torch.zeros(4, 4))
        b = self.attn(x, x, x, attn_mask=torch.zeros(5, 5, 5))
        c = self.attn(x, x, x, attn_mask=torch.zeros(5, 5, dtype=torch.long))
        d = self.attn(x, x, x, key_padding_mask=torch.zeros(2, 4) > 0)
        e = self.attn(x, x, x, key_padding_mask=torch.zeros(2, 5, dtype=torch.long))
        f = self.attn(x[..., :4], x[..., :4], x[..., :4])
        g = self.attn(x, x[:4], x)
        h = self.attn(x[None], x[None], x[None])
        i = self.kv(x, x, x)
        j = self.attn(x, x, x, attn_mask=s, key_padding_mask=torch.zeros(2, 5))
        k = self.enc(x.transpose(0, 1), src_key_padding_mask=torch.zeros(2, 5) > 0)
        l = self.tf(x, x[:, :1])
        m = self.tf(x, x[..., :4])
        n = nn.Transformer.generate_square_subsequent_mask(0)
        return x
# ---- expected ----
# error[DN0201]: error_attention.py:15:27: nn.MultiheadAttention with add_bias_kv=True is not supported yet
#    |
# 15 |         self.bias_kv = nn.MultiheadAttention(8, 2, add_bias_kv=True)
#    |                           ^
#    = hint: leave add_bias_kv=False (the default)
# error[DN0201]: error_attention.py:16:29: nn.MultiheadAttention with add_zero_attn=True is not supported yet
#    |
# 16 |         self.zero_attn = nn.MultiheadAttention(8, 2, add_zero_attn=True)
#    |                             ^
#    = hint: leave add_zero_attn=False (the default)
# error[DN0103]: error_attention.py:17:23: embed_dim must be divisible by num_heads
#    |
# 17 |         self.odd = nn.MultiheadAttention(8, 3)
#    |                       ^
# error[DN0202]: error_attention.py:18:24: activation should be relu/gelu, not tanh
#    |
# 18 |         self.tanh = nn.TransformerEncoderLayer(8, 2, activation="tanh")
#    |                        ^
# error[DN0202]: error_attention.py:27:18: The shape of the 2D attn_mask is torch.Size([4, 4]), but should be (5, 5).
#    |
# 27 |         a = self.attn(x, x, x, attn_mask=torch.zeros(4, 4))
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:28:18: The shape of the 3D attn_mask is torch.Size([5, 5, 5]), but should be (4, 5, 5).
#    |
# 28 |         b = self.attn(x, x, x, attn_mask=torch.zeros(5, 5, 5))
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:29:18: Only float, byte, and bool types are supported for attn_mask, not torch.int64
#    |
# 29 |         c = self.attn(x, x, x, attn_mask=torch.zeros(5, 5, dtype=torch.long))
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:30:18: expecting key_padding_mask shape of (2, 5), but got torch.Size([2, 4])
#    |
# 30 |         d = self.attn(x, x, x, key_padding_mask=torch.zeros(2, 4) > 0)
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:31:18: only bool and floating types of key_padding_mask are supported
#    |
# 31 |         e = self.attn(x, x, x, key_padding_mask=torch.zeros(2, 5, dtype=torch.long))
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:32:18: was expecting embedding dimension of 8, but got 4
#    |
# 32 |         f = self.attn(x[..., :4], x[..., :4], x[..., :4])
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:33:18: key shape torch.Size([4, 2, 8]) does not match value shape torch.Size([5, 2, 8])
#    |
# 33 |         g = self.attn(x, x[:4], x)
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:34:18: query should be unbatched 2D or batched 3D tensor but received 4-D query tensor
#    |
# 34 |         h = self.attn(x[None], x[None], x[None])
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:19:24; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:35:18: expecting key weights shape of (8, 8), but got torch.Size([8, 4])
#    |
# 35 |         i = self.kv(x, x, x)
#    |                  ^
#    = hint: this MultiheadAttention was created at error_attention.py:20:22; check its arguments against the shape of its input
# error[DN0201]: error_attention.py:36:18: a float attn_mask together with a float key_padding_mask is not supported yet
#    |
# 36 |         j = self.attn(x, x, x, attn_mask=s, key_padding_mask=torch.zeros(2, 5))
#    |                  ^
#    = hint: pass the key_padding_mask as a bool tensor (True marks padding)
# error[DN0201]: error_attention.py:37:18: TransformerEncoder with mask_check=False and a src_key_padding_mask is not supported yet
#    |
# 37 |         k = self.enc(x.transpose(0, 1), src_key_padding_mask=torch.zeros(2, 5) > 0)
#    |                  ^
#    = hint: keep mask_check=True, or pass enable_nested_tensor=False
# error[DN0202]: error_attention.py:38:18: the batch number of src and tgt must be equal
#    |
# 38 |         l = self.tf(x, x[:, :1])
#    |                  ^
#    = hint: this Transformer was created at error_attention.py:23:22; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:39:18: the feature number of src and tgt must be equal to d_model
#    |
# 39 |         m = self.tf(x, x[..., :4])
#    |                  ^
#    = hint: this Transformer was created at error_attention.py:23:22; check its arguments against the shape of its input
# error[DN0202]: error_attention.py:40:28: generate_square_subsequent_mask: size 0 is not supported: compiled tensors have no zero-sized dimensions
#    |
# 40 |         n = nn.Transformer.generate_square_subsequent_mask(0)
#    |                            ^
