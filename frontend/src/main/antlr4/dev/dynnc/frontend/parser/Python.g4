/*
 * dynnc's grammar for the Python 3 statements and expressions found in PyTorch model code.
 * Indentation: the lexer emits raw NEWLINE tokens carrying the next line's leading whitespace;
 * IndentingTokenSource turns them into NEWLINE / INDENT / DEDENT and drops newlines inside brackets.
 */
grammar Python;

tokens { INDENT, DEDENT }

// ---------------------------------------------------------------------------------------------
// Statements

file_input : (NEWLINE | stmt)* EOF ;

stmt : simple_stmts | compound_stmt ;

simple_stmts : simple_stmt (';' simple_stmt)* ';'? NEWLINE ;

simple_stmt
    : 'pass'                                                    # PassStmt
    | 'break'                                                   # BreakStmt
    | 'continue'                                                # ContinueStmt
    | 'return' testlist_star?                                   # ReturnStmt
    | yield_expr                                                # YieldStmt
    | 'raise' (test ('from' test)?)?                            # RaiseStmt
    | 'global' NAME (',' NAME)*                                 # GlobalStmt
    | 'nonlocal' NAME (',' NAME)*                               # NonlocalStmt
    | 'assert' test (',' test)?                                 # AssertStmt
    | 'del' exprlist                                            # DelStmt
    | 'import' dotted_as_name (',' dotted_as_name)*             # ImportStmt
    | 'from' import_from_module 'import' import_targets         # FromImportStmt
    | testlist_star augassign (yield_expr | testlist)           # AugAssignStmt
    | testlist_star ':' test ('=' testlist_star)?               # AnnAssignStmt
    | testlist_star ('=' (yield_expr | testlist_star))*         # ExprOrAssignStmt
    ;

yield_expr : 'yield' testlist_star? ;

augassign : '+=' | '-=' | '*=' | '@=' | '/=' | '%=' | '&=' | '|=' | '^=' | '<<=' | '>>=' | '**=' | '//=' ;

dotted_name : NAME ('.' NAME)* ;
dotted_as_name : dotted_name ('as' NAME)? ;
import_from_module : ('.' | '...')* dotted_name | ('.' | '...')+ ;
import_targets : '*' | '(' import_as_names ','? ')' | import_as_names ;
import_as_names : import_as_name (',' import_as_name)* ;
import_as_name : NAME ('as' NAME)? ;

compound_stmt
    : if_stmt | while_stmt | for_stmt | try_stmt | with_stmt | funcdef | classdef | decorated ;

if_stmt : 'if' test ':' block elif_clause* ('else' ':' block)? ;
elif_clause : 'elif' test ':' block ;
while_stmt : 'while' test ':' block ('else' ':' block)? ;
for_stmt : 'for' exprlist 'in' testlist ':' block ('else' ':' block)? ;
try_stmt : 'try' ':' block (except_clause+ ('else' ':' block)? ('finally' ':' block)? | 'finally' ':' block) ;
except_clause : 'except' (test ('as' NAME)?)? ':' block ;
with_stmt : 'with' with_item (',' with_item)* ':' block ;
with_item : test ('as' expr)? ;

decorated : decorator+ (classdef | funcdef) ;
decorator : '@' test NEWLINE ;
funcdef : 'def' NAME '(' parameters? ')' ('->' test)? ':' block ;
parameters : parameter (',' parameter)* ','? ;
parameter
    : NAME (':' test)? ('=' test)?                              # PlainParam
    | '*' (NAME (':' test)?)?                                   # StarParam
    | '**' NAME (':' test)?                                     # DoubleStarParam
    | '/'                                                       # SlashParam
    ;
classdef : 'class' NAME ('(' arglist? ')')? ':' block ;

block : simple_stmts | NEWLINE INDENT stmt+ DEDENT ;

// ---------------------------------------------------------------------------------------------
// Expressions

testlist_star : (test | star_expr) (',' (test | star_expr))* ','? ;
testlist : test (',' test)* ','? ;
exprlist : (expr | star_expr) (',' (expr | star_expr))* ','? ;
star_expr : '*' expr ;

test
    : NAME ':=' test                                            # NamedExprTest
    | or_test ('if' or_test 'else' test)?                       # CondTest
    | 'lambda' parameters? ':' test                             # LambdaTest
    ;

or_test : and_test ('or' and_test)* ;
and_test : not_test ('and' not_test)* ;
not_test : 'not' not_test | comparison ;
comparison : expr (comp_op expr)* ;
comp_op : '<' | '>' | '==' | '>=' | '<=' | '!=' | 'in' | 'not' 'in' | 'is' | 'is' 'not' ;

expr
    : atom trailer*                                             # PrimaryExpr
    | 'await' expr                                              # AwaitExpr
    | <assoc=right> expr op='**' expr                           # PowerExpr
    | op=('+' | '-' | '~') expr                                 # UnaryExpr
    | expr op=('*' | '/' | '//' | '%' | '@') expr               # BinExpr
    | expr op=('+' | '-') expr                                  # BinExpr
    | expr op=('<<' | '>>') expr                                # BinExpr
    | expr op='&' expr                                          # BinExpr
    | expr op='^' expr                                          # BinExpr
    | expr op='|' expr                                          # BinExpr
    ;

atom
    : '(' (yield_expr | testlist_comp)? ')'                     # ParenAtom
    | '[' testlist_comp? ']'                                    # ListAtom
    | '{' dictorsetmaker? '}'                                   # DictAtom
    | NAME                                                      # NameAtom
    | NUMBER                                                    # NumberAtom
    | STRING+                                                   # StringAtom
    | '...'                                                     # EllipsisAtom
    | 'None'                                                    # NoneAtom
    | 'True'                                                    # TrueAtom
    | 'False'                                                   # FalseAtom
    ;

testlist_comp : (test | star_expr) (comp_for | (',' (test | star_expr))* ','?) ;

trailer
    : '(' arglist? ')'                                          # CallTrailer
    | '[' subscriptlist ']'                                     # IndexTrailer
    | '.' NAME                                                  # AttrTrailer
    ;

subscriptlist : subscript (',' subscript)* ','? ;
subscript : test | lower=test? ':' upper=test? (':' step=test?)? ;

dictorsetmaker
    : (dict_item (comp_for | (',' dict_item)* ','?))
    | ((test | star_expr) (comp_for | (',' (test | star_expr))* ','?))
    ;
dict_item : test ':' test | '**' expr ;

arglist : argument (',' argument)* ','? ;
argument
    : test comp_for                                             # GenArg
    | NAME '=' test                                             # KeywordArg
    | '**' test                                                 # DoubleStarArg
    | '*' test                                                  # StarArg
    | test                                                      # PlainArg
    ;

comp_for : 'async'? 'for' exprlist 'in' or_test comp_iter? ;
comp_iter : comp_for | comp_if ;
comp_if : 'if' or_test comp_iter? ;

// ---------------------------------------------------------------------------------------------
// Lexer

NUMBER
    : DIGIT ('_'? DIGIT)* ('.' (DIGIT ('_'? DIGIT)*)?)? EXPONENT? [jJ]?
    | '.' DIGIT ('_'? DIGIT)* EXPONENT? [jJ]?
    | '0' [xX] ('_'? HEX)+
    | '0' [oO] ('_'? [0-7])+
    | '0' [bB] ('_'? [01])+
    ;

STRING : STRING_PREFIX? (LONG_STRING | SHORT_STRING) ;

NAME : ID_START ID_CONTINUE* ;

NEWLINE : ('\r'? '\n' | '\r' | '\f') [ \t\f]* ;

SKIP_ : ([ \t\f]+ | '#' ~[\r\n\f]* | '\\' '\r'? '\n') -> skip ;

UNKNOWN_CHAR : . ;

fragment DIGIT : [0-9] ;
fragment HEX : [0-9a-fA-F] ;
fragment EXPONENT : [eE] [+-]? DIGIT ('_'? DIGIT)* ;
fragment STRING_PREFIX : [rRbBuUfF] | [fFbB] [rR] | [rR] [fFbB] ;
fragment SHORT_STRING
    : '\'' ('\\' . | ~[\\\r\n'])* '\''
    | '"' ('\\' . | ~[\\\r\n"])* '"'
    ;
fragment LONG_STRING
    : '\'\'\'' .*? '\'\'\''
    | '"""' .*? '"""'
    ;
fragment ID_START : [\p{L}_] ;
fragment ID_CONTINUE : [\p{L}\p{N}_] ;
