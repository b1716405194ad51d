# entry: Seq2Seq()
# input: src=float32[5,1,16]
# inputs: 0.5, 1.0, 2.0, 4.0, 8.0, 0.3, 3.0, 16.0, 0.7, 1.5, 5.0, 6.0
# A decoder that stops at an end token, with nn.Transformer (Vaswani et al. 2017): the encoder
# reads the source once, then greedy decoding appends the argmax token until it is END or the
# length limit is reached; the causal mask comes from the static
# generate_square_subsequent_mask, called on the class and on the instance. A second, batch-first
# Transformer with one layer each and a GELU checks the other layout in one call.
import torch
import torch.nn as nn
import torch.nn.functional as F

END = 0


class Seq2Seq(nn.Module):
    def __init__(self, d=16, vocab=5, max_len=5):
        super().__init__()
        self.transformer = nn.Transformer(d_model=d, nhead=2, num_encoder_layers=2, num_decoder_layers=2,
                                          dim_feedforward=32, dropout=0.1)
        self.small = nn.Transformer(d, 4, 1, 1, 24, activation='gelu', batch_first=True, norm_first=True)
        self.embed = nn.Embedding(vocab, d)
        self.out = nn.Linear(d, vocab)
        self.mix = nn.Linear(d, vocab)
        self.max_len = max_len
        self.start = vocab - 1

    def forward(self, src):
        memory = self.transformer.encoder(src)
        tokens = [self.start]
        logits_all = []
        for step in range(self.max_len):
            tgt = self.embed(torch.tensor(tokens)).unsqueeze(1)
            if step % 2 == 0:
                mask = nn.Transformer.generate_square_subsequent_mask(len(tokens))
            else:
                mask = self.transformer.generate_square_subsequent_mask(len(tokens))
            h = self.transformer.decoder(tgt, memory, tgt_mask=mask)
            logits = self.out(h[-1, 0]) + self.mix(src[step % 5, 0])
            logits_all.append(logits)
            nxt = int(logits.argmax())
            tokens.append(nxt)
            if nxt == END:
                break
        whole = self.transformer(src, self.embed(torch.tensor(tokens)).unsqueeze(1),
                                 tgt_mask=self.transformer.generate_square_subsequent_mask(len(tokens)))
        other = self.small(src.transpose(0, 1), src.transpose(0, 1)[:, :3] * 0.5)
        return tokens, torch.stack(logits_all), whole, other
