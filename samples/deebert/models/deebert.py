"""BERT with early exits (after Xin et al., "DeeBERT: Dynamic Early Exiting for Accelerating BERT
Inference", ACL 2020).

Every transformer layer gets an off-ramp: a pooler on the first token and a classifier. At
inference, the first off-ramp whose prediction entropy falls below its threshold ends the run;
as in DeeBERT's reference design, the encoder leaves its layer loop by raising an exception that
carries the off-ramp's output, and the model catches it. Training (not used by dynnc) runs every
layer and sums the off-ramps' losses.
"""
import argparse
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn import CrossEntropyLoss


def gelu(x):
    """The exact GELU of the original BERT code."""
    return x * 0.5 * (1.0 + torch.erf(x / math.sqrt(2.0)))


def entropy(x):
    """Entropy of softmax(x) per row, from the logits."""
    exp_x = torch.exp(x)
    A = torch.sum(exp_x, dim=1)
    B = torch.sum(x * exp_x, dim=1)
    return torch.log(A) - B / A


class HighwayException(Exception):
    def __init__(self, message, exit_layer):
        self.message = message
        self.exit_layer = exit_layer  # 1-based


class BertEmbeddings(nn.Module):
    def __init__(self, config):
        super(BertEmbeddings, self).__init__()
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden_size, padding_idx=0)
        self.position_embeddings = nn.Embedding(config.max_position_embeddings, config.hidden_size)
        self.token_type_embeddings = nn.Embedding(config.type_vocab_size, config.hidden_size)
        self.LayerNorm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, input_ids, token_type_ids=None):
        seq_length = input_ids.size(1)
        position_ids = torch.arange(seq_length, dtype=torch.long, device=input_ids.device)
        position_ids = position_ids.unsqueeze(0).expand_as(input_ids)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        embeddings = (self.word_embeddings(input_ids) + self.position_embeddings(position_ids)
                      + self.token_type_embeddings(token_type_ids))
        return self.dropout(self.LayerNorm(embeddings))


class BertSelfAttention(nn.Module):
    def __init__(self, config):
        super(BertSelfAttention, self).__init__()
        if config.hidden_size % config.num_attention_heads != 0:
            raise ValueError('hidden size %d is not a multiple of %d heads'
                             % (config.hidden_size, config.num_attention_heads))
        self.num_attention_heads = config.num_attention_heads
        self.attention_head_size = int(config.hidden_size / config.num_attention_heads)
        self.all_head_size = self.num_attention_heads * self.attention_head_size
        self.query = nn.Linear(config.hidden_size, self.all_head_size)
        self.key = nn.Linear(config.hidden_size, self.all_head_size)
        self.value = nn.Linear(config.hidden_size, self.all_head_size)
        self.dropout = nn.Dropout(config.attention_probs_dropout_prob)

    def transpose_for_scores(self, x):
        new_x_shape = x.size()[:-1] + (self.num_attention_heads, self.attention_head_size)
        x = x.view(*new_x_shape)
        return x.permute(0, 2, 1, 3)

    def forward(self, hidden_states, attention_mask):
        query_layer = self.transpose_for_scores(self.query(hidden_states))
        key_layer = self.transpose_for_scores(self.key(hidden_states))
        value_layer = self.transpose_for_scores(self.value(hidden_states))
        attention_scores = torch.matmul(query_layer, key_layer.transpose(-1, -2))
        attention_scores = attention_scores / math.sqrt(self.attention_head_size)
        attention_scores = attention_scores + attention_mask
        attention_probs = nn.Softmax(dim=-1)(attention_scores)
        attention_probs = self.dropout(attention_probs)
        context_layer = torch.matmul(attention_probs, value_layer)
        context_layer = context_layer.permute(0, 2, 1, 3).contiguous()
        new_context_layer_shape = context_layer.size()[:-2] + (self.all_head_size,)
        return context_layer.view(*new_context_layer_shape)


class BertLayer(nn.Module):
    def __init__(self, config):
        super(BertLayer, self).__init__()
        self.attention = BertSelfAttention(config)
        self.attention_output = nn.Linear(config.hidden_size, config.hidden_size)
        self.attention_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden_size, config.intermediate_size)
        self.output = nn.Linear(config.intermediate_size, config.hidden_size)
        self.output_norm = nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)

    def forward(self, hidden_states, attention_mask):
        attention_output = self.attention(hidden_states, attention_mask)
        attention_output = self.attention_norm(
            self.dropout(self.attention_output(attention_output)) + hidden_states)
        intermediate_output = gelu(self.intermediate(attention_output))
        layer_output = self.dropout(self.output(intermediate_output))
        return self.output_norm(layer_output + attention_output)


class BertHighway(nn.Module):
    """An off-ramp: BERT's pooler (the first token through a dense layer and tanh), then a classifier."""

    def __init__(self, config):
        super(BertHighway, self).__init__()
        self.pooler = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)

    def forward(self, encoder_outputs):
        pooled_output = torch.tanh(self.pooler(encoder_outputs[:, 0]))
        logits = self.classifier(self.dropout(pooled_output))
        return logits, pooled_output


class DeeBertEncoder(nn.Module):
    def __init__(self, config):
        super(DeeBertEncoder, self).__init__()
        self.layer = nn.ModuleList([BertLayer(config) for _ in range(config.num_hidden_layers)])
        self.highway = nn.ModuleList([BertHighway(config) for _ in range(config.num_hidden_layers)])
        self.early_exit_entropy = [-1 for _ in range(config.num_hidden_layers)]

    def set_early_exit_entropy(self, x):
        if (type(x) is float) or (type(x) is int):
            for i in range(len(self.early_exit_entropy)):
                self.early_exit_entropy[i] = x
        else:
            self.early_exit_entropy = x

    def forward(self, hidden_states, attention_mask):
        all_highway_exits = ()
        for i, layer_module in enumerate(self.layer):
            hidden_states = layer_module(hidden_states, attention_mask)
            highway_logits, pooled = self.highway[i](hidden_states)
            if not self.training:
                highway_entropy = entropy(highway_logits)
                if self.early_exit_entropy[i] >= 0 and highway_entropy < self.early_exit_entropy[i]:
                    raise HighwayException((highway_logits, highway_entropy), i + 1)
            else:
                all_highway_exits = all_highway_exits + ((highway_logits, pooled),)
        return hidden_states, all_highway_exits


class DeeBertForSequenceClassification(nn.Module):
    def __init__(self, config):
        super(DeeBertForSequenceClassification, self).__init__()
        self.config = config
        self.num_layers = config.num_hidden_layers
        self.embeddings = BertEmbeddings(config)
        self.encoder = DeeBertEncoder(config)
        self.pooler = nn.Linear(config.hidden_size, config.hidden_size)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, config.num_labels)
        self.encoder.set_early_exit_entropy(config.early_exit_entropy)

    def forward(self, input_ids, labels=None):
        attention_mask = (input_ids != 0).long()
        extended_attention_mask = attention_mask[:, None, None, :]
        extended_attention_mask = extended_attention_mask.to(dtype=torch.float32)
        extended_attention_mask = (1.0 - extended_attention_mask) * -10000.0
        exit_layer = self.num_layers
        try:
            embedding_output = self.embeddings(input_ids)
            sequence_output, highway_exits = self.encoder(embedding_output, extended_attention_mask)
            pooled_output = torch.tanh(self.pooler(sequence_output[:, 0]))
            logits = self.classifier(self.dropout(pooled_output))
        except HighwayException as e:
            logits = e.message[0]
            exit_layer = e.exit_layer
            highway_exits = ()
        if labels is not None:
            loss = CrossEntropyLoss()(logits.view(-1, self.config.num_labels), labels.view(-1))
            for highway_logits, _ in highway_exits:
                loss = loss + CrossEntropyLoss()(highway_logits.view(-1, self.config.num_labels),
                                                 labels.view(-1))
            return loss, logits
        return logits, exit_layer


def get_config(**overrides):
    config = argparse.Namespace(
        vocab_size=128, hidden_size=32, num_hidden_layers=4, num_attention_heads=4,
        intermediate_size=64, max_position_embeddings=32, type_vocab_size=2, num_labels=3,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, layer_norm_eps=1e-12,
        early_exit_entropy=-1)
    for k, v in overrides.items():
        setattr(config, k, v)
    return config


def build_model(early_exit_entropy=(0.5, 0.5, 0.5, -1)):
    """Off-ramps after the first three layers (entropy below 0.5 exits); -1 turns one off."""
    return DeeBertForSequenceClassification(get_config(early_exit_entropy=early_exit_entropy))


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description='train DeeBERT off-ramps on random token data')
    parser.add_argument('--steps', type=int, default=100)
    parser.add_argument('--lr', type=float, default=1e-4)
    args = parser.parse_args()
    model = build_model()
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr)
    for step in range(args.steps):
        ids = torch.randint(1, 128, (8, 16))
        labels = torch.randint(0, 3, (8,))
        loss, _ = model(ids, labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 20 == 0:
            print('step %d loss %.4f' % (step, loss.item()))
