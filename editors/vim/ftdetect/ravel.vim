" ravel scenario files (the model checker's C subset with kernel API names)
autocmd BufRead,BufNewFile *.ravel setfiletype ravel
